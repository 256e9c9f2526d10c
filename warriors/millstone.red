;redcode-94
;name Millstone
;author arena
;strategy A stone/imp hybrid. The first SPL splits the warrior in two. One half
;strategy is a stone: a one-process loop that drops a DAT on every fourth cell
;strategy (step 3364 = 4 x 841, so it covers all 2000 of them before repeating
;strategy and never hits its own loop). The other half launches a three-point
;strategy imp ring (step (CORESIZE+1)/3): SPL 1 and MOV -1,0 make three
;strategy processes, SPL 2 pairs each with a twin that moves the JMP's target
;strategy on by one step. The stone wins against what it can hit; when the enemy
;strategy kills the stone, the ring is still crawling round the core and the
;strategy round ends in a tie instead of a loss.
;assert CORESIZE == 8000

ring    equ     (CORESIZE + 1) / 3
step    equ     3364

start   spl     stone               ; half the warrior bombs ...
        spl     1                   ; ... the other half launches the ring
        mov.i   -1, 0
        spl     2
jump    jmp.a   @0, imp
        add.ab  #ring, jump
        dat     #0, #0
imp     mov.i   #0, ring

stone   mov.i   bomb, @bomb
        add.ab  #step, bomb
        jmp     stone
bomb    dat     #0, #step
        end     start
