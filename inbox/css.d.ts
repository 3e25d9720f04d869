/** A stylesheet imported by a lazily loaded screen: Vite emits it with that screen's chunk. */
declare module "*.css";
