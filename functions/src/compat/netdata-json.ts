/**
 * Netdata's agent (`anonymous-statistics.sh`) and installer (`kickstart.sh`) build their JSON with
 * shell here-documents, and two of their outputs are not JSON:
 * - an unquoted placeholder with nothing in it: `"netdata_buildinfo": ,` and, for the last
 *   property, `"netdata_fail_reason": }` — the agent passes its analytics fields unquoted, and
 *   they are empty when it reports before it has gathered them (a FATAL at start-up) or when its
 *   system information is missing;
 * - a line break inside a string: the installer's checksum-failure message embeds the
 *   `Expected: …` / `Actual: …` lines of its report.
 * Those bodies are about one in six of what Netdata sends. This repairs exactly these two shapes
 * (an empty value becomes null; a raw line break inside a string becomes `\n`) and nothing else:
 * any other defect stays a parse error.
 */

/** The body with both shapes repaired, or undefined when neither occurs in it. Linear time. */
export function repairNetdataJson(text: string): string | undefined {
  let out = '';
  let from = 0;
  let inString = false;
  // Stryker disable next-line EqualityOperator: equivalent; a step past the end reads undefined, which is neither a quote, a colon nor a line break
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      else if (char === '\n' || char === '\r') {
        out += text.slice(from, i) + (char === '\n' ? '\\n' : '\\r');
        from = i + 1;
      }
      continue;
    }
    if (char === '"') inString = true;
    else if (char === ':') {
      let next = i + 1;
      // Past the end text[next] is undefined, which is no space: the loop stops there.
      while (isJsonSpace(text[next])) next++;
      if (text[next] === ',' || text[next] === '}') {
        out += text.slice(from, i + 1) + ' null';
        from = i + 1;
      }
    }
  }
  return from === 0 ? undefined : out + text.slice(from);
}

function isJsonSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r';
}
