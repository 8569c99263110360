# Two links the swapper (escape_symlink_race.swapper.sh) keeps pointing in and out: swap to
# a file, swapdir to a directory holding a file of the same name as the outside secret.
cd sandbox
mkdir inside_dir
printf 'inside\n' >inside_dir/secret.txt
ln -s inside.txt swap
ln -s inside_dir swapdir
