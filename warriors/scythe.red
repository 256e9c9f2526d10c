;redcode-94
;name Scythe
;author arena
;strategy A scanner. Two lines do the looking: ADD moves a pointer 5 cells on,
;strategy and JMZ.A goes back unless the cell there has a non-zero A-field.
;strategy Empty core and the usual DAT #0,#n bombs of stones and clears have
;strategy A = 0, so they do not distract it; real code (ADD #4, MOV 2,@2 ...)
;strategy does. On a find, SLT checks whether the pointer has come round to the
;strategy scanner's own lines; if not, it drops an SPL #0 on the cell, so the
;strategy enemy's processes only make more of themselves, and scans on. The
;strategy pointer never lands on the line before it (its offset stays 3 mod 5).
;strategy After one lap, when it finds itself, it becomes a DAT core clear
;strategy that sweeps round and round (its pointer is reset by its own bomb, so
;strategy it never wipes out its loop) and kills what it stunned. It beats what
;strategy it can see before it is hit: one-process stones like the dwarf, papers
;strategy (their copies are all found and stunned), lone imps (the sweep catches
;strategy them). A self-splitting stone shrugs off the stun and often wins.
;assert CORESIZE % 5 == 0

step    equ     5

scan    add.ab  #step, ptr          ; look 5 cells further on
ptr     jmz.a   scan, 8             ; A-field zero: keep looking
        slt.ab  #last-ptr, ptr      ; past our own lines?
        jmp     gate+1              ; no: the lap is over, clear the core
        mov.i   clear, @ptr         ; yes: stun it with SPL #0
        jmp     scan
gate    dat     #0, #bomb-gate+1    ; the clear's pointer
clear   spl     #0, 0
        mov.i   bomb, >gate
        jmp     -1
last
bomb    dat     #0, #bomb-gate+1
        end     scan
