# cross.gp - across machines: the fastest safe kernel or peer at each n,
# one line per CPU (data/cross.dat, one block per machine; names in
# data/cross.gp). Written only when the report merges two machines or more.
name = "cross"
prefix = ""
load "data/cross.gp"
caption = "one line per CPU: the fastest candidate at each n"
load sdir."/common.gp"
set title "Fastest safe kernel or peer per n, across machines"
set logscale xy
set xlabel "n (elements, log scale)"
set ylabel "time per element (ns, log scale)"
set format x "10^{%L}"
plot for [i=1:N] "data/cross.dat" index (i-1) using 1:2 with linespoints lc i pt 7 ps 0.5 lw 1.6 title value(sprintf("cpu%d", i))
