;redcode-94
;name Ring of Three
;author arena
;strategy An imp ring: three imps spaced a third of the core apart, so that
;strategy each one writes the cell the next one is about to run. Step is
;strategy (CORESIZE+1)/3, so three steps come back round to one cell further on:
;strategy the ring crawls through the core one cell per three of its turns.
;strategy The launch: SPL 1 and MOV -1,0 make three processes; SPL 2 gives each
;strategy a twin; the first of each pair jumps through the JMP's B-field, the
;strategy twin adds one step to it (so the next jumper lands one imp further)
;strategy and then dies on the DAT. It has no attack: it wins only when an enemy
;strategy runs into the imps it writes over it (a dwarf whose loop becomes an
;strategy imp falls through onto its own DAT bomb). It is hard to kill, since
;strategy a stone must hit the one cell an imp is about to run: it ties stones.
;assert (CORESIZE + 1) % 3 == 0

step    equ     (CORESIZE + 1) / 3

launch  spl     1               ; 2 processes
        mov.i   -1, 0           ; 3 processes (the first copies SPL 1 here)
        spl     2               ; each process: a jumper and an adder
jump    jmp.a   @0, imp         ; jumpers go to imp, imp+step, imp+2*step
        add.ab  #step, jump     ; adders move the target one step on
        dat     #0, #0          ; and die here
imp     mov.i   #0, step        ; the imp: copies itself one step ahead
        end     launch
