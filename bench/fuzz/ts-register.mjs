// `--import` this to load TypeScript sources in a worker thread (see ts-hooks.mjs).
import { register } from 'node:module';
register('./ts-hooks.mjs', import.meta.url);
