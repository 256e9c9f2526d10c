;redcode-94
;name Imp
;author arena
;strategy The smallest warrior there is: one MOV that copies itself one cell
;strategy ahead, then runs the copy. It never dies by its own hand and is hard
;strategy to hit, but it cannot kill anything: against most stones it ties.
;assert CORESIZE >= 2

imp     mov.i   imp, imp+1
        end     imp
