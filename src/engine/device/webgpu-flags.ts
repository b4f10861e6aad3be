/**
 * tfjs flags Kiln sets for the WebGPU adapter it trains on, chosen from the adapter's description.
 *
 * On a CPU adapter (SwiftShader, Chromium's software WebGPU), tfjs's default convolution shader (`conv2d_mm`,
 * implicit GEMM with workgroup tiles) is several times slower than its other path, an im2col shader followed
 * by a matmul: one training step of the small CNN (Conv2D 8 and 16, 3×3, batch 64) spent 7.8 s in Conv2D
 * against 1.0 s with `WEBGPU_CONV_SEPARATE_IM2COL_SHADER`, with the same outputs (tf.profile with
 * timestamp queries, headless Chromium on this project's machines). tfjs already takes the im2col path on
 * its own when a convolution would dispatch few workgroups. A real GPU keeps tfjs's choice: the im2col
 * buffer costs memory (batch × output pixels × kernel area × input channels) and nothing says it is faster
 * there.
 */
export interface AdapterDescription {
  architecture?: string;
  vendor?: string;
  description?: string;
  /** `GPUAdapterInfo.isFallbackAdapter` (newer browsers): a software adapter. */
  isFallbackAdapter?: boolean;
}

export function webgpuFlagsFor(info: AdapterDescription | null | undefined): Record<string, boolean> {
  return isCpuAdapter(info) ? { WEBGPU_CONV_SEPARATE_IM2COL_SHADER: true } : {};
}

export function isCpuAdapter(info: AdapterDescription | null | undefined): boolean {
  if (!info) return false;
  if (info.isFallbackAdapter) return true;
  return [info.architecture, info.description].some((text) => /swiftshader/i.test(text ?? ''));
}
