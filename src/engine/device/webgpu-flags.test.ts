import { describe, expect, it } from 'vitest';
import { isCpuAdapter, webgpuFlagsFor } from './webgpu-flags';

describe('webgpuFlagsFor', () => {
  it('sends convolutions through im2col on SwiftShader, as Chromium describes it', () => {
    const swiftshader = { vendor: 'google', architecture: 'swiftshader', description: '' };
    expect(webgpuFlagsFor(swiftshader)).toEqual({ WEBGPU_CONV_SEPARATE_IM2COL_SHADER: true });
    expect(isCpuAdapter({ description: 'SwiftShader Device (Subzero)' })).toBe(true);
    expect(isCpuAdapter({ vendor: 'x', isFallbackAdapter: true })).toBe(true);
  });

  it("leaves a real GPU on tfjs's own choice", () => {
    expect(webgpuFlagsFor({ vendor: 'nvidia', architecture: 'ampere', description: '' })).toEqual({});
    expect(webgpuFlagsFor({ vendor: 'apple', architecture: 'metal-3' })).toEqual({});
    expect(webgpuFlagsFor(null)).toEqual({});
  });
});
