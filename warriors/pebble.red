;redcode-94
;name Pebble
;author arena
;strategy A self-splitting stone. SPL #0 at the top adds one process to the
;strategy bombing loop every time it runs, so a DAT bomb that lands on the loop
;strategy kills one process, not the warrior. The loop drops a DAT where the
;strategy bomb's own B-field points and moves that aim by 3364 (= 4 x 841). The
;strategy step is a multiple of 4 and 841 shares no factor with 2000, so the
;strategy bombs visit every fourth cell of the core before any cell twice, and
;strategy none of them can land on the three loop lines (they are 1..3 cells
;strategy before the bomb, never a multiple of 4 away). It flattens warriors
;strategy that are slower to find it than it is to hit them, such as dwarfs and
;strategy other one-process stones; replicators outrun it, and an imp ring,
;strategy which it rarely hits, ties with it.
;assert CORESIZE == 8000

step    equ     3364

        spl     #0, 0           ; feed the loop with processes
loop    mov.i   bomb, @bomb     ; drop the bomb where it points
        add.ab  #step, bomb     ; aim at the next cell
        jmp     loop
bomb    dat     #0, #step
        end
