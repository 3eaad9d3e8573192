import { describe, expect, test } from 'vitest';
import { checkScriptTemplate, renderScript, TemplateError, type Scope } from '../../../src/template/index.js';

const scope: Scope = {
  params: { x: 'a b', q: `it's "$x"`, nl: 'one\ntwo', bt: '`id` $HOME \\', files: ['a b', "c'd"], obj: { k: 'v' }, n: 5, t: true, none: null },
};
const HEREDOC = '${{ }} inside a here-document cannot be quoted safely; assign it to a shell variable before the here-document';
const ARITHMETIC = /^\$\{\{ \}\} inside arithmetic \(\$\(\( \)\), \(\( \)\), \$\[ \], let, or a \[\[ \]\] -eq\/-lt\/\.\.\. operand\) cannot be quoted safely/;
const PARAMETER_PART = /^\$\{\{ \}\} in the name, index or offset of a \$\{\.\.\.\} cannot be quoted safely/;
const BACKSLASH = /^a backslash right before \$\{\{ \}\} would escape its quoting/;
const QUOTED_PARAMETER = /^\$\{\{ \}\} inside "\$\{\.\.\.\}" cannot be quoted reliably/;

function refusal(template: string): TemplateError {
  try {
    renderScript(template, scope);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(template)} to be refused`);
}

describe('quoting contexts', () => {
  test.each([
    ['unquoted', 'echo ${{ params.x }}', "echo 'a b'"],
    ['unquoted, inside a word', 'echo --x=${{ params.x }}/y', "echo --x='a b'/y"],
    ['a quote in the value', 'echo ${{ params.q }}', `echo 'it'\\''s "$x"'`],
    ['double quotes: close, quote, reopen', 'echo "abc${{ params.x }}def"', `echo "abc"'a b'"def"`],
    ['single quotes: close, quote, reopen', "echo 'abc${{ params.x }}def'", "echo 'abc''a b''def'"],
    ['ANSI-C quotes: reopen with $\'', "echo $'abc${{ params.x }}def'", "echo $'abc''a b'$'def'"],
    ['locale quotes $"..." are double quotes', 'echo $"a${{ params.x }}"', `echo $"a"'a b'""`],
    ['command substitution is a fresh command', 'echo "$(ls ${{ params.x }})"', `echo "$(ls 'a b')"`],
    ['double quotes inside $( )', 'echo "$(ls "${{ params.x }}")"', `echo "$(ls ""'a b'"")"`],
    ['process substitution', 'diff <(cat ${{ params.x }}) f', "diff <(cat 'a b') f"],
    ['unquoted ${...}', 'echo ${u:-${{ params.x }}}', "echo ${u:-'a b'}"],
    ['double quotes inside an unquoted ${...}', 'echo ${u:-"p${{ params.x }}"}', `echo \${u:-"p"'a b'""}`],
    ['$((…)) elsewhere on the line does not matter', 'echo $((1+2)) ${{ params.x }}', "echo $((1+2)) 'a b'"],
    ['after a quoted string that contains a quote', `echo "it's" \${{ params.x }}`, `echo "it's" 'a b'`],
    ['an escaped quote does not open a string', "echo \\' ${{ params.x }}", "echo \\' 'a b'"],
    ['a # inside a word is not a comment', 'echo a#${{ params.nl }}', "echo a#'one'$'\\n''two'"],
    ['after a line continuation', 'printf %s \\\n  ${{ params.x }} "y${{ params.x }}" \\\n  z', `printf %s \\\n  'a b' "y"'a b'"" \\\n  z`],
    ['a backslash-newline inside single quotes stays', "echo 'le\\\nt' ${{ params.x }}", "echo 'le\\\nt' 'a b'"],
  ])('%s', (_name, template, expected) => {
    expect(renderScript(template, scope)).toBe(expected);
  });

  test('inside a comment, newlines in the value are written as \\n so the comment cannot end early', () => {
    expect(renderScript('true # note ${{ params.nl }}\necho ${{ params.nl }}', scope)).toBe(
      "true # note 'one\\ntwo'\necho 'one'$'\\n''two'",
    );
    expect(renderScript('# ${{ params.q }}', scope)).toBe(`# 'it'\\''s "$x"'`);
  });

  test('inside backticks the word is escaped once more for the backtick level', () => {
    expect(renderScript('echo `ls ${{ params.bt }}`', scope)).toBe("echo `ls '\\`id\\` \\$HOME \\\\'`");
  });

  test('backticks inside double quotes also escape "', () => {
    expect(renderScript('echo "`ls ${{ params.q }}`"', scope)).toBe(`echo "\`ls 'it'\\\\''s \\"\\$x\\"'\`"`);
  });

  test('nested backticks escape once per level', () => {
    expect(renderScript('echo `a \\`b ${{ params.bt }}\\``', scope)).toBe(
      "echo `a \\`b '\\\\\\`id\\\\\\` \\\\\\$HOME \\\\\\\\'\\``",
    );
  });

  test('a case statement inside $( ) does not end the substitution at its pattern', () => {
    expect(renderScript('echo "$(case a in a) echo ${{ params.x }};; esac)"', scope)).toBe(
      `echo "$(case a in a) echo 'a b';; esac)"`,
    );
    expect(renderScript('echo "$(case a in (a) echo ok;; esac) ${{ params.x }}"', scope)).toBe(
      `echo "$(case a in (a) echo ok;; esac) "'a b'""`,
    );
  });

  test('the word "case" as an argument does not start a case statement', () => {
    expect(renderScript('echo "$(echo case) ${{ params.x }}"', scope)).toBe(`echo "$(echo case) "'a b'""`);
  });
});

describe('value conversion', () => {
  test('a list is one word with items joined by newlines', () => {
    expect(renderScript('for f in ${{ params.files }}; do :; done', scope)).toBe("for f in 'a b'$'\\n''c'\\''d'; do :; done");
    expect(renderScript('for f in ${{ params.files }}; do :; done', scope, 'sh')).toBe("for f in 'a b\nc'\\''d'; do :; done");
  });

  test('bash: a newline in a value is written $\'\\n\', so no line of the script holds the rest of a value', () => {
    // bash resumes after a syntax error at the next line (with set +e even inside eval): that line is the runbook's.
    const hostile = { params: { x: 'a\ntouch /tmp/pwned\n' } };
    for (const template of ['a=(<${{ params.x }}', 'echo "${{ params.x }}" \'${{ params.x }}\' $\'${{ params.x }}\'', 'echo `echo "${{ params.x }}"`']) {
      const rendered = renderScript(template, hostile);
      expect(rendered.split('\n'), rendered).toHaveLength(1);
    }
    expect(renderScript('echo "${{ params.x }}"', hostile)).toBe(`echo ""'a'$'\\n''touch /tmp/pwned'$'\\n'''""`);
    // dash has no $'...' and stops at a syntax error: the newline stays as it is.
    expect(renderScript('echo ${{ params.x }}', hostile, 'sh')).toBe("echo 'a\ntouch /tmp/pwned\n'");
  });

  test('objects are JSON, numbers and booleans via String(), null is an empty word', () => {
    expect(renderScript('echo ${{ params.obj }} ${{ params.n }} ${{ params.t }} ${{ params.none }}', scope)).toBe(
      `echo '{"k":"v"}' '5' 'true' ''`,
    );
  });

  test('an empty string is an empty word, not nothing', () => {
    expect(renderScript("set -- ${{ '' }}", scope)).toBe("set -- ''");
  });

  test('$${{ is a literal ${{ in the script', () => {
    expect(renderScript('echo "$${{ params.x }}"', scope)).toBe('echo "${{ params.x }}"');
  });

  test('an unknown reference is a TemplateError with a suggestion', () => {
    expect(refusal('echo ${{ params.y }}').message).toBe('unknown reference "params.y": params has no "y" (did you mean "x"?)');
  });

  test('a NUL byte is refused for any expression, named by its source', () => {
    const error = refusal("echo ${{ params.none || 'a\0b' }}");
    expect(error.message).toBe("value of params.none || 'a\0b' contains a NUL byte, which a shell cannot carry");
    expect(error.offset).toBe(5);
  });
});

describe('here-documents', () => {
  test.each([
    ['an unquoted delimiter', 'cat <<EOF\nhello ${{ params.x }}\nEOF\n'],
    ['a quoted delimiter', "cat <<'EOF'\n${{ params.x }}\nEOF"],
    ['a double-quoted delimiter with spaces', 'cat << "END IT"\n${{ params.x }}\nEND IT'],
    ['<<- with a tab-indented delimiter', 'cat <<-EOF\n\tfirst\n\tEOF-not-yet\n\t${{ params.x }}\n\tEOF'],
    ['the second of two on one line', 'cat <<A <<B\na\nA\n${{ params.x }}\nB'],
    ['inside $( )', 'x=$(cat <<EOF\n${{ params.x }}\nEOF\n)'],
    ['after a comment on the operator line', 'cat <<EOF # note\n${{ params.x }}\nEOF'],
    ['as the delimiter itself', 'cat <<${{ params.x }}\nbody\n'],
    ['an unterminated body', 'cat <<EOF\nline\n${{ params.x }}'],
  ])('refuses ${{ }} in the body: %s', (_name, template) => {
    const error = refusal(template);
    expect(error.message).toBe(HEREDOC);
    expect(error.offset).toBe(template.indexOf('${{'));
  });

  test('expansions on the operator line and after the delimiter line are quoted normally', () => {
    const template = "cat <<'EOF' > ${{ params.x }}\nit's $(not code) \"\nEOF\necho ${{ params.x }}";
    expect(renderScript(template, scope)).toBe("cat <<'EOF' > 'a b'\nit's $(not code) \"\nEOF\necho 'a b'");
  });

  test('with an unquoted delimiter, a backslash-newline joins lines, so a delimiter after it does not count', () => {
    const template = 'cat <<EOF\nsum \\\nEOF\n${{ params.x }}\nEOF';
    expect(refusal(template).message).toBe(HEREDOC);
    // A lone backslash line joins the next one into "EOF", which does end the body (bash and dash agree).
    expect(renderScript('cat <<EOF\n\\\nEOF\nEOF\n${{ params.x }}\n', scope)).toBe("cat <<EOF\n\\\nEOF\nEOF\n'a b'\n");
  });

  test('an escaped backslash at the end of a line, or a quoted delimiter, does not join lines', () => {
    expect(renderScript('cat <<EOF\nsum \\\\\nEOF\necho ${{ params.x }}', scope)).toBe("cat <<EOF\nsum \\\\\nEOF\necho 'a b'");
    expect(renderScript("cat <<'EOF'\nsum \\\nEOF\necho ${{ params.x }}", scope)).toBe("cat <<'EOF'\nsum \\\nEOF\necho 'a b'");
    expect(renderScript('cat <<\\EOF\nsum \\\nEOF\necho ${{ params.x }}', scope)).toBe("cat <<\\EOF\nsum \\\nEOF\necho 'a b'");
  });

  test('<<- strips leading tabs before comparing the delimiter', () => {
    expect(renderScript('cat <<-EOF\n\tbody\n\t\tEOF\necho ${{ params.x }}', scope)).toBe("cat <<-EOF\n\tbody\n\t\tEOF\necho 'a b'");
  });

  test('a here-string <<< is not a here-document', () => {
    expect(renderScript('cat <<< ${{ params.x }}\necho ${{ params.x }}', scope)).toBe("cat <<< 'a b'\necho 'a b'");
  });

  test('<< inside quotes is not a here-document', () => {
    expect(renderScript('echo "<<EOF"\n${{ params.x }}', scope)).toBe(`echo "<<EOF"\n'a b'`);
  });
});

describe('other places no quoting can make safe', () => {
  test.each([
    ['$(( ))', 'echo $(( ${{ params.n }} + 1 ))'],
    ['(( ))', '(( i = ${{ params.n }} ))'],
    ['(( )) after for', 'for (( i = ${{ params.n }}; i > 0; i-- )); do :; done'],
    ['$[ ]', 'echo $[ ${{ params.n }} ]'],
    ['a string inside $(( ))', 'echo $(( "${{ params.n }}" ))'],
    ['${...} inside $(( ))', 'echo $(( ${u:-${{ params.n }}} ))'],
    ['a command substitution inside $(( )), whose output is evaluated', 'echo $(( $(echo ${{ params.n }}) + 1 ))'],
    ['backticks inside $(( ))', 'echo $(( `echo ${{ params.n }}` + 1 ))'],
    ['let', 'let x=${{ params.n }}+1'],
    ['let with quotes', 'let "x = ${{ params.n }}"'],
    ['an operand before -eq in [[ ]]', '[[ ${{ params.n }} -eq 5 ]] && echo five'],
    ['a quoted operand after -lt in [[ ]]', 'if [[ 1 -lt "${{ params.n }}" ]]; then :; fi'],
    ['a substitution operand of -ge in [[ ]]', '[[ $(echo ${{ params.n }}) -ge 1 ]]'],
    // The shell removes backslash-newline (and a backslash ending the script) before it reads words; found by the fuzz test.
    ['an -eq operand when a backslash ends the script', '[[ ${{ params.n }} -eq 1 ]]\\'],
    ['an -eq operand before a line continuation', '[[ ${{ params.n }} -eq 1 \\\n]]'],
    ['an -eq operand before ]] and a line continuation', '[[ ${{ params.n }} -eq 1 ]]\\\n'],
    ['an operator split by a line continuation', '[[ ${{ params.n }} -e\\\nq 1 ]]'],
    ['[[ split by a line continuation', '[\\\n[ ${{ params.n }} -eq 1 ]]'],
    ['$(( split by a line continuation', 'echo $\\\n(( ${{ params.n }} ))'],
    ['(( split by a line continuation', '(\\\n( ${{ params.n }} ))'],
    ['let split by a line continuation', 'le\\\nt x=${{ params.n }}'],
  ])('arithmetic: %s', (_name, template) => {
    const error = refusal(template);
    expect(error.message).toMatch(ARITHMETIC);
    expect(error.offset).toBe(template.indexOf('${{'));
  });

  test.each([
    ['an array index', 'echo ${arr[${{ params.n }}]}'],
    ['a quoted array index', 'echo "${arr["${{ params.n }}"]}"'],
    ['a substring offset', 'echo ${s:${{ params.n }}}'],
    ['a substring length', 'echo ${s:1:${{ params.n }}}'],
    ['a name', 'echo ${${{ params.n }}}'],
  ])('the name, index or offset of ${...}: %s', (_name, template) => {
    const error = refusal(template);
    expect(error.message).toMatch(PARAMETER_PART);
    expect(error.offset).toBe(template.indexOf('${{'));
  });

  test.each([
    ['unquoted', 'eval ${{ params.x }}'],
    ['in a substitution', 'eval "$(echo ${{ params.x }})"'],
    ['after a keyword', 'if true; then eval echo "${{ params.x }}"; fi'],
    ['split by a line continuation', 'ev\\\nal echo ${{ params.x }}'],
  ])('eval runs its arguments as code: %s', (_name, template) => {
    expect(refusal(template).message).toMatch(/^\$\{\{ \}\} as an argument of eval is run as shell code/);
  });

  test.each([
    ['escaped', '\\let y=${{ params.n }}'],
    ['single-quoted', "'let' y=${{ params.n }}"],
    ['partly double-quoted', 'e"va"l ${{ params.n }}'],
    ['$\'...\'', "$'eval' ${{ params.n }}"],
    ['after assignments', 'A=1 B="x y" let y=${{ params.n }}'],
    ['after command', 'command eval ${{ params.n }}'],
    ['after builtin and time', 'time builtin let y=${{ params.n }}'],
  ])('let and eval are found however they are spelled: %s', (_name, template) => {
    expect(refusal(template).message).toMatch(/^\$\{\{ \}\} (inside arithmetic|as an argument of eval)/);
  });

  test('eval ends with its command', () => {
    expect(renderScript('eval "$cmd"; echo ${{ params.x }} eval', scope)).toBe(`eval "$cmd"; echo 'a b' eval`);
  });

  test('a "$((" that turns out to be "$( (" makes every later expansion refused', () => {
    const template = 'echo $(( echo a ) # \' )\necho ${{ params.x }}';
    expect(refusal(template).message).toMatch(/^cannot tell how to quote \$\{\{ \}\} here: a "\$\(\(" or "\(\(" that does not end/);
    expect(refusal('((true) )\necho ${{ params.x }}').message).toMatch(/^cannot tell how to quote/);
  });

  test('"$$(" makes every later expansion refused: bash pairs the bracket when parsing, not when expanding', () => {
    // Found by the fuzz test: `$("$("$$(")")"${{ x }}"` let a value with backticks run.
    for (const template of ['$("$("$$(")")"${{ params.x }}"', 'echo "$$(${{ params.x }})"', 'echo $${ ${{ params.x }}', 'echo "$$[" ${{ params.x }}']) {
      expect(refusal(template).message).toMatch(/^cannot tell how to quote \$\{\{ \}\} here: a "\$\$" right before/);
    }
    expect(renderScript('echo $$ "$$" ${{ params.x }} "x$$y"', scope)).toBe(`echo $$ "$$" 'a b' "x$$y"`);
  });

  test('arithmetic ends where it ends: later words and string tests in [[ ]] are quoted normally', () => {
    expect(renderScript('echo $(( 1 + 2 )) $[ a[1] ] ${{ params.n }}', scope)).toBe("echo $(( 1 + 2 )) $[ a[1] ] '5'");
    expect(renderScript('let i++; echo ${{ params.n }}', scope)).toBe("let i++; echo '5'");
    expect(renderScript('[[ ${{ params.x }} == "a b" && -n ${{ params.x }} ]]', scope)).toBe(`[[ 'a b' == "a b" && -n 'a b' ]]`);
    expect(renderScript('[[ 1 -eq 1 ]] && echo ${{ params.x }} -eq', scope)).toBe("[[ 1 -eq 1 ]] && echo 'a b' -eq");
    expect(renderScript('echo ${arr[1]:-${{ params.x }}} ${#s} ${s:1:2}${{ params.x }}', scope)).toBe(
      "echo ${arr[1]:-'a b'} ${#s} ${s:1:2}'a b'",
    );
  });

  test.each([
    ['unquoted', 'echo \\${{ params.x }}'],
    ['in double quotes', 'echo "\\${{ params.x }}"'],
    ['in $\'...\'', "echo $'\\${{ params.x }}'"],
    ['after \\c in $\'...\'', "echo $'\\c${{ params.x }}'"],
  ])('a backslash right before ${{ }}: %s', (_name, template) => {
    const error = refusal(template);
    expect(error.message).toMatch(BACKSLASH);
    expect(error.offset).toBe(template.indexOf('${{'));
  });

  test('a backslash in single quotes is literal, so it is fine', () => {
    expect(renderScript("echo 'a\\${{ params.x }}'", scope)).toBe("echo 'a\\''a b'''");
  });

  test('inside a double-quoted ${...}, where shells disagree about quotes', () => {
    expect(refusal('echo "${u:-${{ params.x }}}"').message).toMatch(QUOTED_PARAMETER);
    expect(refusal('echo "${u:-"in ${{ params.x }}"}"').message).toMatch(QUOTED_PARAMETER);
  });

  test('after a single quote inside a double-quoted ${...}, the rest of the script is refused', () => {
    const error = refusal(`echo "\${u:-'}" \${{ params.x }}`);
    expect(error.message).toMatch(/^cannot tell how to quote \$\{\{ \}\} here: a ' inside "\$\{\.\.\.\}"/);
  });
});

describe('here-document delimiters the scanner cannot follow', () => {
  test.each([
    ['a backtick substitution', 'cat <<EOF`date +%s`\nbody\nEOF`date +%s`\necho ${{ params.x }}'],
    ['a $( ) substitution', 'cat <<$(echo a b)\nbody\n$(echo a b)\necho ${{ params.x }}'],
    ['a ${ } expansion', 'cat <<${u:-a b}\nbody\n${u:-a b}\necho ${{ params.x }}'],
  ])('refuse every later expansion after %s', (_name, template) => {
    expect(refusal(template).message).toMatch(/^cannot tell how to quote \$\{\{ \}\} here: a here-document delimiter holds a substitution/);
  });
});

describe('checkScriptTemplate', () => {
  test('finds nothing wrong in a good script, without any scope', () => {
    expect(checkScriptTemplate('tar -cf "${{ params.dir }}/${{ host.name }}.tar" /data # ${{ run.id }}')).toEqual([]);
  });

  test('reports every unsafe expansion with its offset', () => {
    const template = 'cat <<EOF\n${{ a }}\nEOF\necho $(( ${{ b }} )) ${{ c }} \\${{ d }}';
    const problems = checkScriptTemplate(template);
    expect(problems.map((p) => [p.offset, p.message.slice(0, 30)])).toEqual([
      [template.indexOf('${{ a'), HEREDOC.slice(0, 30)],
      [template.indexOf('${{ b'), '${{ }} inside arithmetic ($(( )'.slice(0, 30)],
      [template.indexOf('${{ d'), 'a backslash right before ${{ }'.slice(0, 30)],
    ]);
    expect(problems.every((p) => p instanceof TemplateError)).toBe(true);
  });

  test('reports a parse error as its only problem', () => {
    const problems = checkScriptTemplate('echo ${{ params.x == }}');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toBe('expected a value after "==" but found end of expression');
  });

  test('renderScript refuses a static problem before looking anything up', () => {
    expect(refusal('cat <<EOF\n${{ params.unknown }}\nEOF').message).toBe(HEREDOC);
  });
});

// Issue #16: where bash reads a word again after quote removal (as arithmetic, a variable name whose subscript is
// arithmetic, a file name, or code), quoting cannot keep a value inert. test/cli/hostile-positions.test.ts runs them.
describe('places where bash evaluates a word again', () => {
  const SUBSCRIPT = /^\$\{\{ \}\} in an array subscript .* because bash evaluates the subscript of an indexed array as arithmetic/;
  const NAME = /^\$\{\{ \}\} as a variable name \(.+\) cannot be quoted safely, because bash evaluates a subscript/;
  const REDIRECT = /^\$\{\{ \}\} after >& or <& cannot be quoted safely/;
  const CODE = /^\$\{\{ \}\} as .+ is run as shell code/;
  const ATTRIBUTE = /^\$\{\{ \}\} as the value of declare -i\/-a\/-A\/-n/;
  const EVAL = /^\$\{\{ \}\} as an argument of eval/;
  const ARITH = /^\$\{\{ \}\} inside arithmetic/;
  const X = '${{ params.x }}';

  test.each([
    ['a subscript in an assignment', `a[${X}]=1`, SUBSCRIPT],
    ['a quoted subscript in +=', `a["i${X}"]+=1`, SUBSCRIPT],
    ['a subscript in a prefix assignment', `a[${X}]=1 cmd`, SUBSCRIPT],
    ['a subscript in a compound assignment', `a=(1 [${X}]=2)`, SUBSCRIPT],
    ['a subscript in a compound assignment over lines', `a=(\n  [1]=x\n  [${X}]=2\n)`, SUBSCRIPT],
    ['a substitution in a subscript', `a[$(echo ${X})]=1`, SUBSCRIPT],
    ['declare a[...]=', `declare -g a[${X}]=1`, SUBSCRIPT],
    ['export a[...]=', `export a[${X}]=1`, SUBSCRIPT],
    ['readonly a[...]=', `readonly a[${X}]=1`, SUBSCRIPT],
    ['local -a ( [...]= )', `local -a a=([${X}]=1)`, SUBSCRIPT],
    ['a name for declare', `declare -- ${X}`, NAME],
    ['a quoted name for local', `local "${X}=1"`, NAME],
    ['flags for declare', `declare -${X} x=1`, NAME],
    ['unset', `unset -f ${X}`, NAME],
    ['unset with a subscript', `unset 'a[${X}]'`, NAME],
    ['read', `read -r a b ${X}`, NAME],
    ['read -a', `read -ra ${X}`, NAME],
    ['read after a redirection', `read <<< 1 ${X}`, NAME],
    ['printf -v', `printf -v ${X} %s`, NAME],
    ['printf -v in one word', `printf -rv${X} %s`, NAME],
    ['printf: a value where -v could be', `printf ${X} %s`, NAME],
    ['wait -p', `wait -n -p ${X}`, NAME],
    ['getopts', `getopts ab ${X}`, NAME],
    ['mapfile', `mapfile -t ${X} < f`, NAME],
    ['test -v', `test -v ${X}`, NAME],
    ['[ -v ]', `[ -v a${X} ]`, NAME],
    ['[[ -v ]]', `[[ -n x && -v ${X} ]]`, NAME],
    ['>&', `echo >&${X}`, REDIRECT],
    ['<& with a space', `cat <& "${X}"`, REDIRECT],
    ['2>& before the name', `2>&${X} echo`, REDIRECT],
    ['declare -i', `declare -i n=${X}`, ATTRIBUTE],
    ['declare -a', `declare -a y=${X}`, ATTRIBUTE],
    ['declare -n', `declare -n r="${X}"`, ATTRIBUTE],
    ['local -A', `local -rA y=${X}`, ATTRIBUTE],
    ['an integer array', `declare -ia y=(${X})`, ATTRIBUTE],
    ['trap', `trap ${X} EXIT`, CODE],
    ['trap --', `trap -- "echo ${X}" EXIT`, CODE],
    ['bash -c', `bash -c ${X}`, CODE],
    ['sh -c after options', `/bin/sh -e -o pipefail -c "${X}"`, CODE],
    ['bash --norc -xc', `bash --norc -xc ${X} name`, CODE],
    ['sudo bash -c', `sudo -u app bash -c ${X}`, CODE],
    ['kubectl exec -- sh -c', `kubectl exec pod -- sh -c "${X}"`, CODE],
    ['xargs sh -c', `xargs -0 sh -c ${X}`, CODE],
    ['busybox sh -c', `busybox sh -c ${X}`, CODE],
    ['read in a while condition', `while IFS= read -r ${X}; do :; done`, NAME],
    ['read in a subshell after a keyword', `( if true; then builtin read ${X}; fi )`, NAME],
    ['export after --', `export -- ${X}`, NAME],
    ['mapfile -C', `mapfile -C ${X} a`, CODE],
    ['compgen -W', `compgen -W "${X}"`, CODE],
    ['complete -C', `complete -C ${X} cmd`, CODE],
    ['alias', `alias x=${X}`, CODE],
    ['PS4', `PS4=${X} cmd`, CODE],
    ['export PS4', `export PS4="+ ${X}"`, CODE],
    ['PROMPT_COMMAND', `PROMPT_COMMAND=${X}`, CODE],
    // `>&` and `&>` are redirections, not `&`: the command goes on (before, `&` ended it and forgot `eval`).
    ['eval after 2>&1', `eval : 2>&1 ${X}`, EVAL],
    ['eval after &>', `eval : &>/dev/null ${X}`, EVAL],
    ['let after a redirection', `>out let y=${X}`, ARITH],
  ])('refused: %s', (_name, template, message) => {
    const error = refusal(template);
    expect(error.message).toMatch(message);
    expect(error.offset).toBe(template.indexOf('${{'));
  });

  test.each([
    ['an element of an array assignment', `a=(${X} "${X}") b[1]=${X}`, `a=('a b' ""'a b'"") b[1]='a b'`],
    ['an associative key by a variable', `h[k]=${X}; h=([k]=${X})`, `h[k]='a b'; h=([k]='a b')`],
    ['plain declarations', `declare x=${X}; export X="${X}"; local -r y=${X}`, `declare x='a b'; export X=""'a b'""; local -r y='a b'`],
    ['a file after >, &>, >>, <', `echo >${X} &>${X} >>${X} <${X} 2>${X}`, `echo >'a b' &>'a b' >>'a b' <'a b' 2>'a b'`],
    ['a here-string', `cat <<< ${X}`, `cat <<< 'a b'`],
    ['after a descriptor copy', `echo 2>&1 ${X} >&2`, `echo 2>&1 'a b' >&2`],
    ['[ and test compare numbers without arithmetic', `[ ${X} -eq 1 ] || test 1 -lt ${X}`, `[ 'a b' -eq 1 ] || test 1 -lt 'a b'`],
    ['[[ < ]] compares strings', `[[ x < ${X} ]]`, `[[ x < 'a b' ]]`],
    ['options that take plain words', `read -r -p ${X} -t 5 line; printf -- ${X}; printf '%s' ${X}; printf -v out %s ${X}`, `read -r -p 'a b' -t 5 line; printf -- 'a b'; printf '%s' 'a b'; printf -v out %s 'a b'`],
    ['a shell with the value as $1', `bash -c 'echo "$1"' _ ${X}; sh script.sh ${X}; bash ${X}`, `bash -c 'echo "$1"' _ 'a b'; sh script.sh 'a b'; bash 'a b'`],
    ['the signals of trap', `trap 'rm -f "$tmp"' ${X}`, `trap 'rm -f "$tmp"' 'a b'`],
    ['words of case, for and select', `case ${X} in ${X}) ;; esac; for w in ${X}; do :; done`, `case 'a b' in 'a b') ;; esac; for w in 'a b'; do :; done`],
    ['a function definition', `f() { echo ${X}; }; f ${X}`, `f() { echo 'a b'; }; f 'a b'`],
    ['unset and read with literal names, then a value', `unset x; read -r line; echo ${X}`, `unset x; read -r line; echo 'a b'`],
    ['read -a with a literal name, from a value', `read -r -a arr <<< ${X}; read -r l < ${X}`, `read -r -a arr <<< 'a b'; read -r l < 'a b'`],
    ['a shell named as an argument, without -c', `docker exec c sh ${X}; echo bash ${X}`, `docker exec c sh 'a b'; echo bash 'a b'`],
  ])('allowed: %s', (_name, template, expected) => {
    expect(renderScript(template, scope)).toBe(expected);
  });
});
