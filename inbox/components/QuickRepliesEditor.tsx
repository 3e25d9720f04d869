export const MAX_OPTIONS = 20;

/** The options of a quick-replies message: a title each (sent back as its payload). */
export function QuickRepliesEditor({
  options,
  onChange,
}: {
  options: string[];
  onChange: (options: string[]) => void;
}) {
  const set = (i: number, value: string) => onChange(options.map((o, j) => (j === i ? value : o)));
  return (
    <fieldset class="quick-editor">
      <legend>Quick reply options</legend>
      <ol>
        {options.map((o, i) => (
          <li>
            <input
              aria-label={`Option ${i + 1}`}
              value={o}
              maxLength={200}
              onInput={(e) => set(i, (e.currentTarget as HTMLInputElement).value)}
            />
            <button
              type="button"
              class="icon"
              aria-label={`Remove option ${i + 1}`}
              onClick={() => onChange(options.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </li>
        ))}
      </ol>
      <button
        type="button"
        class="link"
        disabled={options.length >= MAX_OPTIONS}
        onClick={() => onChange([...options, ""])}
      >
        Add option
      </button>
    </fieldset>
  );
}
