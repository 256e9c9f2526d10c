;redcode-94
;name Leech
;author arena
;strategy A vampire. Instead of DAT bombs it drops JMP fangs whose A-field
;strategy points back into its pit: an enemy process that runs a fang jumps into
;strategy the pit, where SPL #0 / JMP -1 makes it split over and over and do
;strategy nothing else. The pit soon holds almost all of the enemy's processes,
;strategy so the rest run very slowly. ADD.F moves the fang's B-field (where it
;strategy lands) up by the step and its A-field down by the same amount, so the
;strategy two always add up to the distance to the pit. The step is 8 x 367, so
;strategy 1000 bites cover every eighth cell and none falls on the Leech's own
;strategy lines. After 1000 bites it overwrites the pit with DAT, which kills
;strategy everything caught in it, and goes on biting; from then on the fangs
;strategy lead straight to the dead pit.
;assert CORESIZE == 8000

step    equ     2936

start   spl     #0, 0               ; more processes, so one bomb is not enough
bite    add.f   inc, fang           ; aim the next fang
        mov.i   fang, @fang         ; drop it
        djn.b   bite, #1000         ; a full lap of the core
        mov.i   kill, pit           ; then kill the captives
        mov.i   kill, pit+1
        jmp     bite
fang    jmp     pit-fang, 0         ; lands at fang+B, jumps to fang+B+A = pit
inc     dat     #-step, #step
pit     spl     #0, 0               ; captives split here ...
        jmp     -1                  ; ... and go round
kill    dat     #0, #0
        end     start
