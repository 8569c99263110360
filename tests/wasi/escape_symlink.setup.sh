# Symlinks in the sandbox that point out of it, made on the host.
cd sandbox
ln -s ../outside/secret.txt out-relative
ln -s "$(realpath ../outside/secret.txt)" out-absolute
ln -s ../outside out-dir
ln -s out-relative out-chain
mkdir sub
ln -s ../../outside/secret.txt sub/out-from-sub
ln -s inside.txt in-relative
