;redcode-94
;name Harpoon
;author arena
;strategy A one-shot: it scans only until it finds something, then spends the
;strategy rest of the battle on a core clear aimed at the find. The scan is two
;strategy lines (ADD 5 to a pointer, JMZ.A back while the A-field there is 0),
;strategy so DAT #0,#n bombs do not fool it. On a find it points the clear's
;strategy gate 8 cells before the target and starts an SPL #0 loop that writes
;strategy whatever the gate's A-field names over cell after cell: first SPL
;strategy (every enemy process caught in it only makes more of itself), and
;strategy when the sweep comes round to the gate, the SPL bomb it writes there
;strategy names the DAT bomb instead, so the second lap kills them all. The
;strategy gate sits before the loop and the bombs' B-fields send the pointer on
;strategy past them, so the clear never hits its own lines. If a whole lap finds
;strategy nothing but itself, it clears anyway.
;assert CORESIZE % 5 == 0

step    equ     5
gate    dat     #sbomb-gate, #dbomb-gate+1  ; A: which bomb, B: next cell to hit
scan    add.ab  #step, ptr
ptr     jmz.a   scan, 12                    ; A-field zero: keep looking
        slt.ab  #dbomb-ptr, ptr             ; past our own lines?
        jmp     clear                       ; no: nothing found in a lap
        mov.b   ptr, gate                   ; aim the gate at the find ...
        sub.ab  #gate-ptr+8, gate           ; ... 8 cells before it
clear   spl     #0, 0
        mov.i   *gate, >gate
        jmp     -1
sbomb   spl     #dbomb-gate, #dbomb-gate+1
dbomb   dat     #dbomb-gate, #dbomb-gate+1
        end     scan
