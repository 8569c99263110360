# 20,000 numbered lines (480,000 bytes), more than a pipe buffer holds.
for ((i = 1; i <= 20000; i++)); do printf 'line %05d of the input\n' "$i"; done >input.txt
