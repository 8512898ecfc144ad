/**
 * The command examples of README.md: every ```sh block, line by line. A block that cannot run as
 * written in the test's folder is preceded by `<!-- readme-test: skip: why -->`.
 */
export interface ExampleBlock {
  /** 1-based line of the opening fence, for messages. */
  line: number;
  commands: string[];
  skip: string | null;
}

const SKIP = /^<!--\s*readme-test:\s*skip:\s*(.+?)\s*-->$/;

export function extractExamples(markdown: string): ExampleBlock[] {
  const lines = markdown.split('\n');
  const blocks: ExampleBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```sh') continue;
    const previous =
      lines
        .slice(0, i)
        .reverse()
        .find((l) => l.trim() !== '') ?? '';
    const block: ExampleBlock = { line: i + 1, commands: [], skip: SKIP.exec(previous.trim())?.[1] ?? null };
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) {
      const command = lines[i]!.trim();
      if (command !== '' && !command.startsWith('#')) block.commands.push(command);
    }
    blocks.push(block);
  }
  return blocks;
}

/** Relative links of a Markdown file: [text](target) and ![alt](target), without their #anchors. */
export function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!.split('#')[0]!)
    .filter((target) => target !== '' && !/^[a-z]+:/i.test(target));
}
