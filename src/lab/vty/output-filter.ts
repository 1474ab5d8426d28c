// Output modifiers after `|`: begin, include, exclude, count, section, grep (ASA: include, `grep -v`: exclude).
// Cisco regexes are close to JS ones; `_` matches a delimiter (start, end, space, comma, braces, parentheses).

import type { Pipe } from './grammar.js';

export function compileCiscoRegex(source: string): RegExp {
  const translated = source.replace(/(\\?)_/g, (all, escape: string) => (escape ? all : '(?:^|$|[\\s,{}()])'));
  try {
    return new RegExp(translated);
  } catch {
    // IOS accepts nearly anything; a pattern JS cannot compile is matched literally.
    return new RegExp(source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
}

/**
 * `| section RE` prints every top-level block (a line at column 0 plus its indented children) in which any line
 * matches, so `| section object-group` also returns ACLs that reference a group [I: as IOS 15 does].
 */
export function filterOutput(lines: readonly string[], pipe: Pipe | undefined): readonly string[] {
  if (!pipe) return lines;
  if (pipe.kind === 'grep') {
    const invert = /^-v\s+/.exec(pipe.regex);
    return filterOutput(lines, {
      kind: invert ? 'exclude' : 'include',
      regex: pipe.regex.slice(invert?.[0].length ?? 0),
    });
  }
  const re = compileCiscoRegex(pipe.regex);
  switch (pipe.kind) {
    case 'include':
      return lines.filter((l) => re.test(l));
    case 'exclude':
      return lines.filter((l) => !re.test(l));
    case 'begin': {
      const first = lines.findIndex((l) => re.test(l));
      return first < 0 ? [] : lines.slice(first);
    }
    case 'count':
      return [`Number of lines which match regexp = ${lines.filter((l) => re.test(l)).length}`];
    case 'section':
      return filterSections(lines, re);
  }
}

function filterSections(lines: readonly string[], re: RegExp): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    let end = i + 1;
    while (end < lines.length && /^\s/.test(lines[end] ?? '')) end++;
    let hit = false;
    for (let j = i; j < end && !hit; j++) hit = re.test(lines[j] ?? '');
    if (hit) for (let j = i; j < end; j++) out.push(lines[j] ?? '');
    i = end;
  }
  return out;
}
