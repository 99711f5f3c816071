/** Turns text into vectors. Implementations: use-lite (bundled, offline) and openai-compatible (HTTP). */
export interface Embedder {
  /** Model identifier recorded with the collection, e.g. `use-lite@energetic-ai-0.2.0`. */
  readonly model: string;
  readonly dimension: number;
  /** Largest input, in this model's tokens, that is embedded without being cut off. */
  readonly maxInputTokens: number;
  /** Tokens `text` takes in this model's input window (exact, or a documented upper bound). */
  countTokens(text: string): number;
  /** Embeds `texts` in order; vectors are L2-normalised. Throws on any text over the window. */
  embed(texts: string[]): Promise<Float32Array[]>;
  close?(): Promise<void>;
}
