# bash completion for procpool: subcommands, then the chosen subcommand's flags as its own
# --help lists them (asked at completion time, so it never falls out of date), else file names.
# Installed to share/bash-completion/completions/procpool by `cmake --install`.
# Command substitution, not `mapfile < <(...)`: bash waits for it, while a process substitution
# may outlive the completion (seen as a stray process in the test that runs this).
_procpool() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "run gtest ctest bench merge --help --version" -- "$cur"))
    return
  fi
  local IFS=$'\n'  # the flags and file names below come one per line
  local sub=${COMP_WORDS[1]}
  if [[ $cur == -* ]]; then
    local flags
    flags=$("${COMP_WORDS[0]}" "$sub" --help 2>/dev/null |
      grep -oE -- '(^|[ ,])--?[A-Za-z][-A-Za-z_0-9]*' | tr -d ' ,' | sort -u)
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _procpool procpool
