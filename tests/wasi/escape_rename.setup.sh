# A file in each preopen, and a symlink in the sandbox pointing out of it.
printf 'in other\n' >other/other.txt
ln -s ../outside sandbox/out-dir
