// MCP server lifecycle: closing the registry must not wait on, or leave behind, a server that is
// still being connected to (a wedged server never answers `initialize`; the SDK would wait 60 s).
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/logger.ts';
import { ToolRegistry } from '../../src/tools/tool-registry.ts';

const SILENT_ENTRY = resolve('test/tools/fixtures/silent-mcp-server.ts');

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('MCP server lifecycle', () => {
  it('close() during a hung connect returns promptly and terminates the server process', async () => {
    let announcePid: (pid: number) => void = () => {};
    const started = new Promise<number>((done) => (announcePid = done));
    // The server's stderr reaches the debug log; its first line carries the pid.
    const logger: Logger = {
      debug: (message) => {
        const pid = /silent-mcp-server pid=(\d+)/.exec(message)?.[1];
        if (pid) announcePid(Number(pid));
      },
      info: () => {},
      warn: () => {},
    };
    const registry = new ToolRegistry(
      {
        mcpServers: [{ name: 'silent', transport: 'stdio', command: process.execPath, args: [SILENT_ENTRY] }],
        tools: [{ toolAlias: 'silent', providers: ['silent'], maxToolCallTurns: 5 }],
      },
      { env: {}, logger },
    );
    const listing = registry.catalog('silent').then(
      () => 'listed',
      (error: Error) => error.message,
    );
    const pid = await started;
    expect(isRunning(pid)).toBe(true);

    const closing = Date.now();
    await registry.close();
    expect(Date.now() - closing).toBeLessThan(10_000);
    expect(isRunning(pid)).toBe(false);
    // The pending listing fails (it does not hang) and says the server was closed.
    expect(await listing).toMatch(/MCP server 'silent'/);
  }, 30_000);
});
