/**
 * The panel's stylesheet (adopted as a constructable stylesheet next to the boot chunk's base sheet;
 * the theme tokens --p, --on, --bg, --fg, --r come from there). px only: the page's root font
 * size must not scale the widget.
 */
export const panelCss = `
.panel{box-sizing:border-box;position:fixed;right:var(--_ox);bottom:calc(var(--_oy) + 72px);display:flex;flex-direction:column;width:380px;max-width:calc(100vw - 2 * var(--_ox));height:620px;max-height:calc(100vh - var(--_oy) - 96px);max-height:calc(100dvh - var(--_oy) - 96px);overflow:hidden;border:1px solid var(--_border);border-radius:var(--r);background:var(--bg);color:var(--fg);box-shadow:0 16px 48px rgba(0,0,0,.28);animation:pw-in .18s ease-out}
.w[data-side=left] .panel{right:auto;left:var(--_ox)}
.w[data-launcher=hidden] .panel{bottom:var(--_oy)}
@keyframes pw-in{from{opacity:0;transform:translateY(12px)}}
@media (prefers-reduced-motion:reduce){.panel{animation:none}}
@media (max-width:479px){.panel{top:0;right:0;bottom:0;left:0;width:100%;max-width:none;height:100%;max-height:none;border:0;border-radius:0}.w[data-side=left] .panel{left:0}.launcher[aria-expanded=true]{display:none}.w .composer textarea,.w .prechat input,.w .prechat textarea,.w .ask input{font-size:16px}}
.panel *{box-sizing:border-box}
.panel :focus-visible{outline:2px solid var(--p);outline-offset:2px}
.head{display:flex;align-items:flex-start;gap:8px;padding-block:16px;padding-inline:18px 12px;background:var(--p);color:var(--on)}
.titles{flex:1;min-width:0}
.head h2{margin:0;font-size:17px;font-weight:700;line-height:1.3;overflow-wrap:anywhere}
.head p{margin:2px 0 0;font-size:13px;opacity:.9}
.close{display:flex;flex:none;align-items:center;justify-content:center;width:36px;height:36px;margin:-4px 0;padding:0;border:0;border-radius:50%;background:transparent;color:inherit;cursor:pointer}
.close:hover{background:rgba(127,127,127,.25)}
.menu{position:relative}
.menu [role=menu]{position:absolute;top:40px;right:0;z-index:1;padding:4px;border:1px solid var(--_border);border-radius:8px;background:var(--bg);box-shadow:0 8px 24px rgba(0,0,0,.2)}
.menu [role=menuitem]{display:block;padding:8px 12px;border:0;border-radius:6px;background:none;color:var(--fg);font:inherit;white-space:nowrap;cursor:pointer}
.menu [role=menuitem]:hover{background:var(--_surface)}
.head .close:focus-visible{outline-color:var(--on)}
.close svg,.send svg,.attach svg{width:22px;height:22px;fill:currentColor}
.w[dir=rtl] .send svg{transform:scaleX(-1)}
.attach{display:flex;flex:none;align-items:center;justify-content:center;width:36px;height:40px;padding:0;border:0;border-radius:10px;background:transparent;color:var(--_muted);cursor:pointer}
.attach:hover{color:var(--fg)}
.notice.failed{color:#b91c1c;background:#fef2f2}
.notice{margin:0;padding:8px 16px;background:var(--_surface);color:var(--fg);font-size:13px}
.link{margin:0;padding:0;border:0;background:none;color:inherit;font:inherit;font-weight:600;text-decoration:underline;cursor:pointer}
.log{flex:1;display:flex;flex-direction:column;gap:6px;min-height:0;overflow-y:auto;padding:16px;overscroll-behavior:contain}
.greeting{margin:0 0 6px;padding:10px 14px;align-self:flex-start;max-width:85%;border-radius:16px;background:var(--_surface);white-space:pre-wrap}
.msg{display:flex;flex-direction:column;align-items:flex-start;max-width:85%}
.msg[data-sender=contact]{align-self:flex-end;align-items:flex-end}
.msg[data-sender=system]{align-self:center;max-width:100%;color:var(--_muted);font-size:12px;text-align:center}
.who{margin:6px 0 2px;margin-inline-start:4px;color:var(--_muted);font-size:12px}
.bubble{--pm-accent:var(--p);--pm-on-accent:var(--on);--pm-accent-text:var(--fg);--pm-surface:var(--bg);--pm-text:var(--fg);--pm-border:var(--_border);max-width:100%;padding:9px 13px;border-radius:16px;background:var(--_surface);color:var(--fg);overflow-wrap:anywhere}
.msg[data-sender=contact] .bubble{--pm-accent:var(--on);--pm-on-accent:var(--p);--pm-accent-text:var(--on);--pm-surface:var(--p);background:var(--p);color:var(--on);border-end-end-radius:4px}
.msg[data-sender=agent] .bubble,.msg[data-sender=bot] .bubble{border-end-start-radius:4px}
.msg[data-sender=system] .bubble{padding:2px 8px;background:transparent;color:inherit}
.msg[data-state=sending] .bubble{opacity:.7}
.msg[data-state=failed] .bubble{outline:2px solid #dc2626}
.bubble:has(.pm-cards){max-width:300px;padding:8px}
.bubble:has(.pm-image){padding:3px}
.status{margin:2px 4px 0;color:var(--_muted);font-size:11px}
.typing{display:flex;align-items:center;gap:6px;min-height:20px;margin:0;padding:0 16px 4px;color:var(--_muted);font-size:12px}
.dots{display:inline-flex;gap:3px}
.dots i{width:6px;height:6px;border-radius:50%;background:currentColor;animation:pw-dot 1.2s infinite ease-in-out}
.dots i:nth-child(2){animation-delay:.15s}.dots i:nth-child(3){animation-delay:.3s}
@keyframes pw-dot{0%,60%,100%{opacity:.3}30%{opacity:1}}
@media (prefers-reduced-motion:reduce){.dots i{animation:none}}
.composer{display:flex;align-items:flex-end;gap:8px;padding:10px 12px;border-top:1px solid var(--_border)}
.composer textarea{flex:1;min-height:40px;max-height:140px;margin:0;padding:9px 12px;field-sizing:content;resize:none;border:1px solid var(--_border);border-radius:12px;background:var(--bg);color:var(--fg);font:inherit;line-height:20px}
.composer textarea::placeholder{color:var(--_muted);opacity:1}
.send{display:flex;flex:none;align-items:center;justify-content:center;width:40px;height:40px;padding:0;border:0;border-radius:50%;background:var(--p);color:var(--on);cursor:pointer}
.prechat{display:flex;flex-direction:column;gap:10px;padding:12px 16px 16px;border-top:1px solid var(--_border)}
.prechat p{margin:0}
.prechat label{display:flex;flex-direction:column;gap:4px;font-size:13px;font-weight:600}
.prechat input,.rating textarea,.ask input{padding:8px 10px;border:1px solid var(--_border);border-radius:8px;background:var(--bg);color:var(--fg);font:inherit;font-weight:400}
.rating textarea{resize:vertical}
.rating fieldset{display:flex;flex-direction:column;gap:10px;margin:0;padding:0;border:0;min-width:0}
.rating legend{padding:0;margin-bottom:10px;font-weight:600}
.scores{display:flex;gap:6px}
.scores button{flex:1;height:40px;border:1px solid var(--_border);border-radius:10px;background:var(--bg);color:var(--fg);font:inherit;font-weight:600;cursor:pointer}
.scores button[aria-pressed=true]{border-color:var(--p);background:var(--p);color:var(--on)}
.actions{display:flex;align-items:center;gap:16px}
.start:disabled{opacity:.5;cursor:default}
.ask{display:flex;flex-direction:column;gap:8px;align-self:flex-start;max-width:85%;padding:10px 14px;border-radius:16px;background:var(--_surface)}
.ask label{display:flex;flex-direction:column;gap:6px;font-size:13px}
.start{align-self:flex-start;padding:9px 16px;border:0;border-radius:999px;background:var(--p);color:var(--on);font:inherit;font-weight:600;cursor:pointer}
`;
