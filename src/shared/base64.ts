/** Bytes as base64 and back: audio crosses extension messages as JSON, which has no bytes. */
export function toBase64(bytes: Uint8Array): string {
  let text = '';
  // In chunks: String.fromCharCode with a megabyte of arguments overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function fromBase64(data: string): Uint8Array | null {
  try {
    const text = atob(data);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}
