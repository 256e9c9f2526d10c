;redcode-94
;name Dwarf
;author arena
;strategy A stone: every fourth cell gets a DAT bomb, so anything longer than
;strategy three cells that sits still will be hit. The step of 4 divides every
;strategy common core size, so the bombs never land on the dwarf itself.
;assert CORESIZE % 4 == 0

step    equ     4
        add.ab  #step, bomb
        mov.i   bomb, @bomb
        jmp.a   -2
bomb    dat.f   #0, #0
        end
