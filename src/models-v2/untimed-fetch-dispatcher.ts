// Node's global fetch gives up after 300 s without response headers or body bytes (undici's
// defaults), which would cut a slow reasoning model short whatever `timeoutSeconds` says. Our
// per-attempt deadline is the only clock (SPEC §7), so the Stainless SDKs' traffic goes through a
// dispatcher of its own with those timeouts off. It also gives each SDK client sockets that
// `close()` can actually release. Unsized on purpose: fetch frees a socket only once the body is
// read, so capping it at the concurrency makes the next request wait (measured: 0.85× ops/s).

export interface UntimedDispatcher {
  /** Passed to fetch as `init.dispatcher`. */
  readonly dispatcher: object;
  close(): Promise<void>;
}

export async function createUntimedDispatcher(): Promise<UntimedDispatcher> {
  const undici = await import('undici');
  const agent = new undici.Agent({ headersTimeout: 0, bodyTimeout: 0 });
  // Node's bundled fetch speaks the previous dispatcher interface; the wrapper bridges it.
  const dispatcher = new undici.Dispatcher1Wrapper(agent);
  return {
    dispatcher,
    close: async () => {
      await agent.close().catch(() => agent.destroy());
    },
  };
}
