# bhh.gp - softbench bhh's reproduction of Blanchard, Higham and Higham:
# for each MNIST vector, the normwise error of the shifted softmax formula
# (x) against the basic, division-free and division-free shifted formulas
# (y), in units of the format's unit roundoff, one panel per format. Points
# above the diagonal: the shifted formula was the more accurate. Reads
# data/<prefix>bhh.dat (blocks fp32, bf16, fp16: shifted basic alt
# altshifted; NaN where the basic lse overflowed).
name = "bhh"
load sprintf("data/%smeta.gp", prefix)
load sdir."/common.gp"
file = sprintf("data/%sbhh.dat", prefix)
set multiplot layout 1,3 title "Normwise error per vector, in units of u (Blanchard, Higham and Higham's measure)"
fmts = "fp32 bf16 fp16"
set xlabel "shifted"
set ylabel "other formula"
set xrange [0:2.5]
set xtics 0.5
set yrange [0:16]
set key inside top left vertical Left reverse font ",9" spacing 1
set rmargin 2
set datafile missing NaN
do for [i=1:3] {
    set title word(fmts, i)
    if (i > 1) { unset key }
    plot file index (i-1) using 1:3 with points pt 7 ps 0.35 lc rgb "#d62728" title "division-free (unshifted)", \
         file index (i-1) using 1:4 with points pt 6 ps 0.35 lc rgb "#ff7f0e" title "division-free shifted", \
         file index (i-1) using 1:2 with points pt 7 ps 0.35 lc rgb "#1f77b4" title "basic (unshifted)", \
         x with lines lc rgb "#555555" dt 2 title "y = x"
}
unset multiplot
