;redcode-94
;name Broom
;author arena
;strategy A core clear. It never looks for the enemy: it writes DAT over every
;strategy cell of the core in order, starting just after itself, and so kills
;strategy anything that stays in one place long enough. SPL #0 keeps adding
;strategy processes to the two-line sweep, which makes it hard to stop with one
;strategy bomb. The write pointer is the B-field of the gate line at the top.
;strategy When the sweep has gone all the way round it overwrites the gate with
;strategy its own bomb, whose B-field sends the pointer back to the first cell
;strategy after the broom: it sweeps the core again and again and never wipes
;strategy out its own loop. A lone imp, faster than the sweep, catches up with
;strategy the pointer and runs into a fresh DAT; an imp ring is slower than the
;strategy sweep, never meets it, and ties.
;assert CORESIZE >= 16

gate    dat     #0, #bomb-gate+1    ; next cell to clear (relative to gate)
start   spl     #0, 0               ; more processes for the sweep
sweep   mov.i   bomb, >gate         ; clear one cell, move the pointer on
        jmp     sweep
bomb    dat     #0, #bomb-gate+1    ; also resets the gate when it lands on it
        end     start
