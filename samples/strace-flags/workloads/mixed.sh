#!/bin/sh
# mixed.sh - a shell script whose own stdout/stderr interleave with strace's
# output when both go to the same place (strace -f ... 2>&1). Forks a
# pipeline, a subshell and a failing command; exits with status 7.
echo "mixed.sh: hello on stdout"
echo "mixed.sh: hello on stderr" >&2
printf 'alpha\nbeta\ngamma\n' | grep -c a
( echo "from a subshell"; exit 2 ) || echo "subshell exited with $?"
ls /nonexistent-tracediff-path
cat /dev/null
exit 7
