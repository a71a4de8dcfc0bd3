# ulp.gp - the largest error in ULP against n, worst over the verify
# datasets, per kernel and peer (log scale; 0, correctly rounded
# everywhere, is drawn at 0.1). Reads data/<prefix>accuracy.dat, column 2.
name = "ulp"
load sprintf("data/%smeta.gp", prefix)
load sdir."/common.gp"
file = sprintf("data/%saccuracy.dat", prefix)
set title "Largest error against n (worst over the datasets; 0 is drawn at 0.1)"
set logscale xy
set xlabel "n (elements, log scale)"
set ylabel "max error (ULP, log scale)"
set format x "10^{%L}"
plot for [i=1:NACC] file index (i-1) using 1:2 with linespoints lc i dt dashof(word(acc_kinds, i)) pt 7 ps 0.5 lw 1.6 title word(acc_titles, i)
