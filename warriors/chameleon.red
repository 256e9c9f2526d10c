;redcode-94
;name Chameleon
;author arena
;strategy A P-space switcher with two strategies: a stone (strategy 0) and a
;strategy paper (strategy 1). P-space survives from round to round of a battle.
;strategy Cell 0 holds how the last round ended for us (0 = we died; 1 = we won;
;strategy 2 = tie; CORESIZE-1 before the first round), and the switcher keeps
;strategy its current strategy in cell 23. At the start of each round it reads
;strategy both; after a loss it moves on to the other strategy, otherwise it
;strategy keeps the one it has, and it writes the choice back with STP. Against
;strategy a core clear that sweeps its stone away it turns into paper, which
;strategy copies itself faster than the clear can wipe it; against a warrior
;strategy that kills the paper it goes back to stoning. Needs a hill with P-space.
;assert CORESIZE == 8000 && PSPACESIZE > 23

state   equ     23
step    equ     3364
pstep   equ     2897

start   ldp.ab  #0, result          ; how did the last round end?
        ldp.ab  #state, choice      ; which strategy did we play?
        jmn.b   keep, result        ; not a loss: keep it
        add.ab  #1, choice          ; a loss: try the other one
keep    mod.ab  #2, choice
        stp.b   choice, #state      ; remember the choice
        jmn.b   paper, choice
        jmp     stone
result  dat     #0, #0
choice  dat     #0, #0

stone   spl     #0, 0               ; strategy 0: self-splitting stone
sloop   mov.i   bomb, @bomb
        add.ab  #step, bomb
        jmp     sloop
bomb    dat     #0, #step

size    equ     (plast - paper + 1)
paper   mov.ab  #size, paper        ; strategy 1: replicating paper
pcopy   mov.i   <paper, <ptarget
        jmn.b   pcopy, paper
ptarget spl     @0, pstep+size
        mov.i   pbomb, <ptarget
        add.ab  #pstep+size, ptarget
        jmp     paper
plast
pbomb   dat     #0, #0
        end     start
