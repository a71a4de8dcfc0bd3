# sum.gp - |sum(y) - 1| against n, worst over the verify datasets, per
# kernel and peer (log scale; 0 is drawn at 1e-12). Reads column 3 of
# data/<prefix>accuracy.dat.
name = "sum"
load sprintf("data/%smeta.gp", prefix)
load sdir."/common.gp"
file = sprintf("data/%saccuracy.dat", prefix)
set title "Normalization: |sum(y) - 1| against n (worst over the datasets)"
set logscale xy
set xlabel "n (elements, log scale)"
set ylabel "|sum(y) - 1| (log scale)"
set format x "10^{%L}"
set format y "10^{%L}"
plot for [i=1:NACC] file index (i-1) using 1:3 with linespoints lc i dt dashof(word(acc_kinds, i)) pt 7 ps 0.5 lw 1.6 title word(acc_titles, i)
