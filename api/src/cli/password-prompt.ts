// A password from the operator: typed at a terminal without echo (asked twice), or the first line of standard input
// when it is not a terminal, so a script or a test can give it without it appearing in the process list.
import type { Readable, Writable } from "node:stream";
import { CliError } from "./command";

export interface PasswordSource {
  input: Readable & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };
  prompt: Writable;
}

const ENTER = new Set(["\r", "\n"]);
const CTRL_C = "\u0003";
const BACKSPACE = new Set(["\u007f", "\b"]);

function typedWithoutEcho(source: PasswordSource, question: string): Promise<string> {
  const { input, prompt } = source;
  prompt.write(question);
  input.setRawMode!(true);
  input.resume();
  input.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let typed = "";
    const finish = (error: Error | null) => {
      input.off("data", onData);
      input.setRawMode!(false);
      input.pause();
      prompt.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (ENTER.has(character)) return finish(null);
        if (character === CTRL_C) return finish(new CliError("cancelled"));
        typed = BACKSPACE.has(character) ? typed.slice(0, -1) : typed + character;
      }
    };
    input.on("data", onData);
  });
}

async function firstLine(input: Readable): Promise<string> {
  let text = "";
  for await (const chunk of input as AsyncIterable<Buffer>) {
    text += chunk.toString("utf8");
    const end = text.search(/\r?\n/);
    if (end >= 0) return text.slice(0, end);
  }
  return text;
}

export async function readPassword(source: PasswordSource, question: string): Promise<string> {
  if (!source.input.isTTY || !source.input.setRawMode) {
    const password = await firstLine(source.input);
    if (password === "") throw new CliError("no password on standard input");
    return password;
  }
  const password = await typedWithoutEcho(source, question);
  const again = await typedWithoutEcho(source, "Again: ");
  if (password !== again) throw new CliError("the two passwords differ; nothing was created");
  return password;
}
