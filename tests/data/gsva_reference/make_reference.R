# Reference single-sample scores from R GSVA 1.46 (Debian bookworm r-bioc-gsva) on the P53 data.
# Exact command (from the repository root, with ../shared next to the checkout):
#   Rscript tests/data/gsva_reference/make_reference.R ../shared/data/gsea-benchmarks/p53/P53.txt.gz tests/data/gsva_reference
# sets.gmt: 40 random sets of P53 genes, sizes 1-300, without genes that have a case twin (IL2/Il2)
# or a space in the name; written by make_sets.py in this folder.
suppressMessages(library(GSVA))
args <- commandArgs(trailingOnly = TRUE)
x <- read.delim(gzfile(args[1]), check.names = FALSE, stringsAsFactors = FALSE)
m <- as.matrix(x[, -(1:2)])
rownames(m) <- x$NAME
lines <- strsplit(readLines(file.path(args[2], "sets.gmt")), "\t")
sets <- setNames(lapply(lines, function(l) l[-(1:2)]), sapply(lines, `[`, 1))
out <- function(s, name) write.table(round(s, 15), file.path(args[2], name), sep = "\t", quote = FALSE, col.names = NA)
out(gsva(m, sets, method = "ssgsea", ssgsea.norm = TRUE, verbose = FALSE), "ssgsea_norm.tsv")
out(gsva(m, sets, method = "ssgsea", ssgsea.norm = FALSE, verbose = FALSE), "ssgsea_raw.tsv")
out(gsva(m, sets, method = "zscore", verbose = FALSE), "zscore.tsv")
out(gsva(m, sets, method = "plage", verbose = FALSE), "plage.tsv")
out(gsva(log2(pmax(m, 1)), sets, method = "gsva", kcdf = "Gaussian", verbose = FALSE), "gsva_gaussian_log2.tsv")
writeLines(c(R.version.string, paste("GSVA", packageVersion("GSVA"))), file.path(args[2], "versions.txt"))
