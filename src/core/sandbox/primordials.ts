/**
 * Built-ins captured when this module is evaluated, shared by the sandbox's child-side modules
 * (runner, encoder, receivers, guards, denial recorders). Inside the runner that is before any
 * user or candidate code loads, so code that later replaces `Reflect.apply`, `Object.keys` or
 * `Map.prototype.forEach` does not change how the harness calls, walks or reports (as Node's own
 * internals use their primordials). esbuild hoists these into the runner bundle as plain
 * top-level bindings: no property read happens at use.
 */
export const RApply = Reflect.apply;
export const RConstruct = Reflect.construct;
export const ROwnKeys = Reflect.ownKeys;
export const OKeys = Object.keys;
export const OGetProto = Object.getPrototypeOf;
export const OGetDesc = Object.getOwnPropertyDescriptor;
export const ODefineProp = Object.defineProperty;
export const OCreate = Object.create;
export const ObjectProto = Object.prototype;
export const AIsArray = Array.isArray;
export const ErrorCtor = Error;
export const StringCtor = String;
export const JSONStringify = JSON.stringify;
export const MapForEach = Map.prototype.forEach;
export const SetForEach = Set.prototype.forEach;
export const SymbolToString = Symbol.prototype.toString;
export const DateGetTime = Date.prototype.getTime;
