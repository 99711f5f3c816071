import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveArticlePath } from "../../services/kb/article-path.js";
import { ArticleNotFoundError, PathRefusedError } from "../../services/kb/errors.js";
import { makeTempDir } from "../helpers/temp-dir.js";

describe("resolveArticlePath", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let root: string;
  beforeAll(async () => {
    temp = await makeTempDir();
    root = path.join(temp.dir, "articles");
    await mkdir(path.join(root, "indicators"), { recursive: true });
    await writeFile(path.join(root, "indicators/atr.md"), "---\ntitle: A\n---\nx");
    await writeFile(path.join(root, "indicators/data.json"), "{}");
    await writeFile(path.join(temp.dir, "secret.md"), "secret");
    await symlink(path.join(temp.dir, "secret.md"), path.join(root, "indicators/escape.md"));
    await symlink(path.join(root, "indicators/atr.md"), path.join(root, "inside-link.md"));
    await symlink(path.join(root, "indicators/data.json"), path.join(root, "json-link.md"));
    await mkdir(path.join(root, "folder.md"));
  });
  afterAll(() => temp.remove());

  it("resolves a valid relative path", async () => {
    expect(await resolveArticlePath(root, "indicators/atr.md")).toEqual({ file: path.join(root, "indicators/atr.md"), bytes: "---\ntitle: A\n---\nx".length });
  });

  it("follows a symbolic link that stays inside the root", async () => {
    expect((await resolveArticlePath(root, "inside-link.md")).file).toBe(path.join(root, "indicators/atr.md"));
  });

  it.each([
    ["../secret.md", /traversal/],
    ["indicators/../../secret.md", /traversal/],
    ["./indicators/atr.md", /traversal/],
    ["indicators//atr.md", /traversal/],
    ["/etc/passwd.md", /absolute/],
    ["C:/Windows/win.md", /absolute/],
    ["..\\secret.md", /backslash/],
    ["%2e%2e/secret.md", /percent-encoding/],
    ["..%2fsecret.md", /percent-encoding/],
    ["%252e%252e/secret.md", /percent-encoding/],
    ["indicators/atr.md\0.md", /NUL/],
    [".private/notes.md", /hidden/],
    ["indicators/.draft.md", /hidden/],
    ["indicators/data.json", /Markdown/],
    ["", /empty/],
    ["a/".repeat(300) + "x.md", /longer than/],
  ])("refuses %j", async (requested, reason) => {
    const attempt = resolveArticlePath(root, requested);
    await expect(attempt).rejects.toBeInstanceOf(PathRefusedError);
    await expect(resolveArticlePath(root, requested)).rejects.toThrow(reason);
  });

  it("treats a name starting with two dots as hidden, not as traversal, and follows a link to it", async () => {
    await writeFile(path.join(root, "..notes.md"), "x");
    await expect(resolveArticlePath(root, "..notes.md")).rejects.toThrow(/hidden/);
    await symlink(path.join(root, "..notes.md"), path.join(root, "alias.md"));
    expect((await resolveArticlePath(root, "alias.md")).file).toBe(path.join(root, "..notes.md"));
  });

  it("refuses a symbolic link leading out of the root", async () => {
    await expect(resolveArticlePath(root, "indicators/escape.md")).rejects.toThrow(/outside the articles root/);
  });

  it("refuses a .md link to a non-Markdown file", async () => {
    await expect(resolveArticlePath(root, "json-link.md")).rejects.toThrow(/not a Markdown article/);
  });

  it("reports unknown paths and directories as not found", async () => {
    await expect(resolveArticlePath(root, "indicators/nope.md")).rejects.toBeInstanceOf(ArticleNotFoundError);
    await expect(resolveArticlePath(root, "folder.md")).rejects.toBeInstanceOf(ArticleNotFoundError);
  });
});
