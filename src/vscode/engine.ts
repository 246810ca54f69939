/**
 * Lazy access to the engine. The pipeline pulls in the TypeScript compiler and esbuild, so it
 * is loaded on first use (esbuild turns these dynamic imports into lazily initialized
 * modules of the same bundle), keeping activation cheap.
 */
import type * as PipelineModule from '../core/pipeline';

export type Pipeline = typeof PipelineModule;

let pipeline: Promise<Pipeline> | undefined;

export function loadPipeline(): Promise<Pipeline> {
  pipeline ??= import('../core/pipeline.js');
  return pipeline;
}
