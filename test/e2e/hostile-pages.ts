/**
 * The scripts hostile host pages run before the widget's snippet (widget-hostile.test.ts),
 * each as a page would ship it: plain ES5-era browser code, served from the page's own origin.
 */

/** Prototype.js 1.6 (Array#toJSON answers a string, so JSON.stringify([1]) is '"[1]"') and an enumerable Object.prototype property. */
export const POLLUTED_PROTOTYPES = `
Array.prototype.toJSON = function () {
  var out = [];
  for (var i = 0; i < this.length; i++) out.push(Object.toJSON ? Object.toJSON(this[i]) : String(this[i]));
  return "[" + out.join(", ") + "]";
};
Object.toJSON = function (v) { return v === undefined ? undefined : typeof v === "string" ? '"' + v + '"' : String(v); };
String.prototype.toJSON = function () { return this.valueOf(); };
Object.prototype.polluted = "by the page";
`;

/**
 * What SES's lockdown does to the intrinsics: every built-in constructor, its prototype and
 * everything reachable from them, frozen (the "override mistake" then makes assigning an
 * inherited name such as toString or constructor throw in strict code).
 */
export const FROZEN_INTRINSICS = `
(function () {
  var seen = new WeakSet();
  function harden(o) {
    if (o === null || (typeof o !== "object" && typeof o !== "function") || seen.has(o)) return;
    seen.add(o);
    Object.freeze(o);
    Reflect.ownKeys(o).forEach(function (k) {
      var d = Object.getOwnPropertyDescriptor(o, k);
      if ("value" in d) harden(d.value); else { harden(d.get); harden(d.set); }
    });
    harden(Object.getPrototypeOf(o));
  }
  var arrayIterator = Object.getPrototypeOf([][Symbol.iterator]());
  [Object, Array, Function, String, Number, Boolean, Symbol, BigInt, Error, TypeError, RangeError,
   SyntaxError, ReferenceError, EvalError, URIError, AggregateError, Promise, RegExp, Date, Map,
   Set, WeakMap, WeakSet, WeakRef, ArrayBuffer, DataView, Uint8Array, Object.getPrototypeOf(Uint8Array),
   JSON, Math, Reflect, arrayIterator, Object.getPrototypeOf(arrayIterator),
   Object.getPrototypeOf(function* () {}), Object.getPrototypeOf(async function () {})].forEach(harden);
})();
`;

/** An AMD loader (RequireJS-style define with define.amd), CommonJS-looking globals and libraries' usual names. */
export const AMD_GLOBALS = `
window.amdCalls = [];
window.define = function () { amdCalls.push(Array.prototype.slice.call(arguments)); };
window.define.amd = { jQuery: true };
window.require = function (deps, cb) { amdCalls.push(["require", deps]); };
window.require.config = function () {};
window.module = { exports: {} };
window.exports = window.module.exports;
window.io = function () { throw new Error("the page's own io() was called"); };
window.io.page = true;
window.h = function () { throw new Error("the page's own h() was called"); };
window.h.page = true;
window.process = { env: { NODE_ENV: "development" } };
`;
