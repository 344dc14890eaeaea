// One HTTP exchange as the legacy transport sends and reads it; shared by the transport and the wire tap.

export interface HttpRequestSpec {
  url: URL;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

export interface HttpResponseData {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  bodyText: string;
}
