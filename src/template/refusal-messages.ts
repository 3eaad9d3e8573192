/** Why a `${{ }}` is refused where it is: places where no quoting keeps a value one inert word. */
export const HEREDOC_MESSAGE =
  '${{ }} inside a here-document cannot be quoted safely; assign it to a shell variable before the here-document';
export const ARITHMETIC_MESSAGE =
  '${{ }} inside arithmetic ($(( )), (( )), $[ ], let, or a [[ ]] -eq/-lt/... operand) cannot be quoted safely, because the shell evaluates the value as code; assign it to a shell variable and check it first';
export const EVAL_MESSAGE =
  '${{ }} as an argument of eval is run as shell code, so quoting cannot make it safe; pass it in a shell variable and do not eval it';
export const PARAMETER_PART_MESSAGE =
  '${{ }} in the name, index or offset of a ${...} cannot be quoted safely, because the shell evaluates it as a name or arithmetic; assign it to a shell variable first';
export const BACKSLASH_MESSAGE =
  'a backslash right before ${{ }} would escape its quoting; remove the backslash (write $${{ for a literal ${{)';
export const QUOTED_PARAMETER_MESSAGE =
  '${{ }} inside "${...}" cannot be quoted reliably, because shells treat quotes there differently; assign it to a shell variable first';
export const SUBSCRIPT_MESSAGE =
  '${{ }} in an array subscript (a[...]=, ([...]=...), declare a[...]=) cannot be quoted safely, because bash evaluates the subscript of an indexed array as arithmetic, running any $(...) in the value; assign it to a shell variable first (k=${{ ... }}): h[$k] is safe in an associative array (declare -A), an index must be checked to be a number';
export const REDIRECT_MESSAGE =
  '${{ }} after >& or <& cannot be quoted safely: the word there must be a file descriptor number, and bash expands any other word after >& a second time, running any $(...) in the value; write the number, or check the value is one first';

/** A value bash reads as a variable name: a subscript in it (`x[$(...)]`) is evaluated as arithmetic. */
export function nameMessage(where: string): string {
  return `\${{ }} as a variable name (${where}) cannot be quoted safely, because bash evaluates a subscript in a name (x[$(...)]) as arithmetic, running commands; assign it to a shell variable and check it is a plain name first`;
}

/** A value bash (or a second shell) runs as commands. */
export function codeMessage(where: string): string {
  return `\${{ }} as ${where} is run as shell code, so quoting cannot make it safe; pass the value as an argument ("$1") or in an environment variable instead`;
}

/** A value of a variable declared -i, -a, -A or -n, which bash evaluates again. */
export function attributeMessage(where: string): string {
  return `\${{ }} as the value of declare -i/-a/-A/-n (${where}) cannot be quoted safely, because bash evaluates it again as arithmetic, an array list or a variable name; assign it plainly, check it, then declare`;
}
