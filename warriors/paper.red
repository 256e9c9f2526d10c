;redcode-94
;name Origami
;author arena
;strategy A paper: a replicator that copies itself across the core faster than
;strategy a stone can bomb it. One loop copies the whole body, last line first,
;strategy with two pre-decrementing pointers: the B-field of the first line
;strategy (reset to the body length before every copy) reads, the B-field of
;strategy the SPL writes. When the copy is done the SPL starts a new process at
;strategy its first line, the pointer moves on by a fixed step and the loop
;strategy begins again, so the number of copies doubles again and again. Each
;strategy pass also drops one DAT behind it. A bomb that kills one copy leaves
;strategy dozens of others: paper ties or beats stones, while a fast scanner
;strategy with a clear can still catch it.
;assert CORESIZE == 8000

step    equ     2897
size    equ     (last - start + 1)

start   mov.ab  #size, start        ; how many lines are left to copy
copy    mov.i   <start, <target     ; copy one line, last line first
        jmn.b   copy, start         ; until the first line is copied
target  spl     @0, step+size       ; run the copy (the pointer is now at its start)
        mov.i   bomb, <target       ; a bomb in front of the copy
        add.ab  #step+size, target  ; aim the next copy further on
        jmp     start
last
bomb    dat     #0, #0
        end     start
