;redcode-94
;name Glance
;author arena
;strategy A quickscanner. Its first 30 lines are unrolled probes: each SEQ.I
;strategy compares two cells half a core apart and skips the next line when
;strategy they are equal, which empty core always is. So in 30 cycles it looks
;strategy at 60 cells spread over the whole core, far faster than any scanning
;strategy loop. When a pair differs, the MOV after it writes the pair's first
;strategy offset into the attack pointer. If anything was seen, it throws an
;strategy SPL #0 carpet and then a DAT carpet over 40 cells around each cell of
;strategy the last pair that differed. Either way it then turns into a stone
;strategy (SPL #0 fed loop, DAT bombs every fourth cell). Against long
;strategy warriors (papers, big stones, scanners) the probes nearly always hit;
;strategy against a four-line dwarf they nearly always miss.
;assert CORESIZE == 8000

gap     equ     127
half    equ     4000
first   equ     200

i       for     30
        seq.i   probe+first+(i-1)*gap, probe+first+(i-1)*gap+half
        mov.ab  #probe+first+(i-1)*gap-ptr-10, ptr
        rof
probe   jmz.b   stone, ptr          ; nothing seen: go straight to stoning
        mov.b   ptr, ptr2           ; second target: the same + half
        add.ab  #half-1, ptr2
        mov.ab  #40, count
spray   mov.i   sbomb, >ptr         ; SPL carpets at both
        mov.i   sbomb, >ptr2
        djn.b   spray, count
        sub.ab  #40, ptr
        sub.ab  #40, ptr2
        mov.ab  #40, count
kill    mov.i   dbomb, >ptr         ; then DAT over the same cells
        mov.i   dbomb, >ptr2
        djn.b   kill, count
        jmp     stone
ptr     dat     #0, #0
ptr2    dat     #0, #0
count   dat     #0, #0
sbomb   spl     #0, 0
dbomb   dat     #0, #0

step    equ     3364
stone   spl     #0, 0
sloop   mov.i   bomb, @bomb
        add.ab  #step, bomb
        jmp     sloop
bomb    dat     #0, #step
        end
