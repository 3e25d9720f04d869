import type { FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ScreenProps } from "./screen-for.ts";

type Screen = FunctionComponent<ScreenProps>;

/**
 * A screen whose code loads the first time it is shown (a chunk beside the app's), so what a
 * visitor fetches up to an open chat stays small. Until it has loaded, `Fallback` shows (the chat:
 * the conversation never blinks out while the chunk arrives).
 */
export function lazyScreen(load: () => Promise<Screen>, Fallback: Screen): Screen {
  let loaded: Screen | null = null;
  let loading: Promise<Screen> | null = null;
  return function LazyScreen(props: ScreenProps) {
    const [, setReady] = useState(false);
    useEffect(() => {
      if (loaded) return;
      let live = true;
      (loading ??= load().then((screen) => (loaded = screen))).then(
        () => live && setReady(true),
        () => (loading = null), // a failed fetch is tried again the next time the screen shows
      );
      return () => void (live = false);
    }, []);
    const Loaded = loaded;
    return Loaded ? <Loaded {...props} /> : <Fallback {...props} />;
  };
}
