# common.gp - what every softbench plot shares: the terminal (term = "svg"
# or "png", set by softbench report with -e), the output name
# (<prefix><name>.<term>), the grid, the legend outside the data, and the
# machine line (caption, from data/<prefix>meta.gp) at the bottom.
if (term eq "svg") {
    set terminal svg size 1000,600 dynamic enhanced font "Helvetica,13" background rgb "white"
} else {
    set terminal pngcairo size 1000,600 enhanced font "Helvetica,11" background rgb "white"
}
set output sprintf("%s%s.%s", prefix, name, term)
set grid xtics ytics mxtics mytics lc rgb "#dddddd"
set key outside right top vertical Left reverse spacing 1.1 font ",10"
set bmargin 6
set label 100 caption at screen 0.01, screen 0.025 left font ",9" textcolor rgb "#555555"
# sixteen distinguishable colours, so that no two series share one
array pal[16] = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", \
                 "#000000", "#bcbd22", "#7f7f7f", "#aec7e8", "#98df8a", "#ff9896", "#c5b0d5", "#393b79"]
do for [i=1:16] { set linetype i lc rgb pal[i] }
set linetype cycle 16
# ours solid, peers dashed, floors dotted
dashof(k) = (k eq "peer") ? 2 : (k eq "floor") ? 3 : 1
