import { describe, expect, it } from 'vitest';
import { blobsExperiment, defaultExperiment } from '../experiment/defaults';
import { encodeExperiment } from '../share/experiment-link';
import { initialExperiment } from './initial-experiment';

async function linkTo(name: string): Promise<string> {
  const result = await encodeExperiment({ ...blobsExperiment(), name, seed: 7 });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.fragment;
}

describe('initialExperiment', () => {
  it('opens the default with no link and no ?experiment=', async () => {
    expect(await initialExperiment({ hash: '', search: '' })).toEqual({
      spec: defaultExperiment(),
      from: 'default',
      linkProblems: [],
    });
  });

  it('opens ?experiment= when there is no link', async () => {
    const opened = await initialExperiment({ hash: '', search: '?experiment=blobs' });
    expect(opened.from).toBe('url');
    expect(opened.spec).toEqual(blobsExperiment());
  });

  it('a link wins over ?experiment=', async () => {
    const opened = await initialExperiment({ hash: await linkTo('Shared'), search: '?experiment=mnist-cnn' });
    expect(opened.from).toBe('link');
    expect(opened.spec).toMatchObject({ name: 'Shared', seed: 7 });
  });

  it('a broken link falls through to ?experiment= and says why', async () => {
    const opened = await initialExperiment({ hash: '#x=1.@@@', search: '?experiment=blobs' });
    expect(opened.from).toBe('url');
    expect(opened.spec).toEqual(blobsExperiment());
    expect(opened.linkProblems.join('\n')).toMatch(/not valid base64url/);
  });

  it('a fragment that is not a link is not a broken link', async () => {
    const opened = await initialExperiment({ hash: '#section', search: '' });
    expect(opened).toMatchObject({ from: 'default', linkProblems: [] });
  });
});
