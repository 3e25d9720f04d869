import { Linkified, safeUrl } from "./linkify.tsx";
import { formatBytes, type MessageStrings } from "./strings.ts";

/** A visitor's choice: a quick-reply option or a card button that carries a payload. */
export interface Choice {
  title: string;
  payload: string;
}

export interface RendererProps {
  content: Record<string, unknown>;
  streaming: boolean;
  strings: MessageStrings;
  /** Set when choices can be made now (only the latest quick replies, usually). */
  onChoice?: (choice: Choice) => void;
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v : []);

export function TextMessage({ content, streaming }: RendererProps) {
  return (
    <p class="pm-text" dir="auto" aria-busy={streaming ? "true" : undefined}>
      <Linkified text={str(content.text)} />
      {streaming && <span class="pm-caret" aria-hidden="true" />}
    </p>
  );
}

export function QuickRepliesMessage(props: RendererProps) {
  const { content, onChoice } = props;
  return (
    <>
      <TextMessage {...props} />
      {onChoice && (
        <div class="pm-options" role="group" aria-label={str(content.text)}>
          {list(content.options).map((o) => (
            <button
              type="button"
              class="pm-option"
              onClick={() => onChoice({ title: str(o.title), payload: str(o.payload) })}
            >
              {str(o.title)}
            </button>
          ))}
        </div>
      )}
    </>
  );
}

export function QuickReplyMessage({ content }: RendererProps) {
  return (
    <p class="pm-text" dir="auto">
      {str(content.title)}
    </p>
  );
}

export function CardsMessage({ content, strings, onChoice }: RendererProps) {
  return (
    <ul class="pm-cards" aria-label={strings.carousel}>
      {list(content.cards).map((card) => {
        const image = safeUrl(card.imageUrl);
        return (
          <li class="pm-card">
            {image && <img class="pm-card-image" src={image} alt="" loading="lazy" />}
            <div class="pm-card-body">
              <p class="pm-card-title" dir="auto">
                {str(card.title)}
              </p>
              {card.text && (
                <p class="pm-text" dir="auto">
                  <Linkified text={str(card.text)} />
                </p>
              )}
              {list(card.buttons).map((b) => {
                const href = safeUrl(b.url);
                if (href)
                  return (
                    <a class="pm-option" href={href} target="_blank" rel="noopener noreferrer nofollow">
                      {str(b.title)}
                    </a>
                  );
                return (
                  <button
                    type="button"
                    class="pm-option"
                    disabled={!onChoice}
                    onClick={() => onChoice?.({ title: str(b.title), payload: str(b.payload) })}
                  >
                    {str(b.title)}
                  </button>
                );
              })}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

export function ImageMessage({ content }: RendererProps) {
  const src = safeUrl(content.url);
  if (!src) return null;
  return (
    <a class="pm-image" href={src} target="_blank" rel="noopener noreferrer">
      <img src={src} alt={str(content.alt)} width={num(content.width)} height={num(content.height)} />
    </a>
  );
}

export function FileMessage({ content, strings }: RendererProps) {
  const href = safeUrl(content.url);
  const size = typeof content.size === "number" ? formatBytes(content.size) : "";
  return (
    <a
      class="pm-file"
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      download={str(content.name) || true}
      title={strings.download}
    >
      <span class="pm-file-icon" aria-hidden="true">
        ⇩
      </span>
      <span class="pm-file-name" dir="auto">
        {str(content.name)}
      </span>
      {size && <span class="pm-meta">{`, ${size}`}</span>}
    </a>
  );
}

export function LocationMessage({ content, strings }: RendererProps) {
  const lat = Number(content.latitude);
  const lon = Number(content.longitude);
  const href = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
  return (
    <div class="pm-location">
      <p class="pm-card-title" dir="auto">
        {str(content.name) || `${lat.toFixed(5)}, ${lon.toFixed(5)}`}
      </p>
      {content.address && (
        <p class="pm-text" dir="auto">
          {str(content.address)}
        </p>
      )}
      <a class="pm-option" href={href} target="_blank" rel="noopener noreferrer">
        {strings.openMap}
      </a>
    </div>
  );
}

export function ContactMessage({ content, strings }: RendererProps) {
  const phone = str(content.phone);
  const email = str(content.email);
  return (
    <div class="pm-contact">
      <p class="pm-card-title" dir="auto">
        {str(content.name)}
      </p>
      {phone && (
        <a class="pm-option" href={`tel:${phone.replace(/[^\d+]/g, "")}`} aria-label={`${strings.call} ${phone}`}>
          {phone}
        </a>
      )}
      {email && (
        <a class="pm-option" href={`mailto:${email}`} aria-label={`${strings.email} ${email}`}>
          {email}
        </a>
      )}
    </div>
  );
}
