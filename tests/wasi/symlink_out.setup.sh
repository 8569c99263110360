# A symlink in the sandbox pointing out of it, made on the host.
ln -s ../outside/secret.txt sandbox/out-relative
