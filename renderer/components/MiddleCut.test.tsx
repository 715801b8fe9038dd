// A name cut in the middle is drawn as Inert draws any OS string: bounded, escaped, its whole text in the title.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CELL_MAX, TOOLTIP_MAX } from './Inert.js';
import { MiddleCut } from './MiddleCut.js';

describe('MiddleCut', () => {
  it('draws a megabyte name clamped, as Inert does, with its start in the title', () => {
    const html = renderToStaticMarkup(<MiddleCut text={`${'a'.repeat(1_000_000)}tail`} />);
    expect(html.length).toBeLessThan(CELL_MAX + TOOLTIP_MAX + 200);
    expect(html).toContain('title="aaa');
  });

  it('gives an escaped name its escaped text as the title, and a plain one none', () => {
    expect(renderToStaticMarkup(<MiddleCut text={'npm exec \u202egnp.exe-long'} />)).toContain(
      'title="npm exec \\u202egnp.exe-long"',
    );
    expect(renderToStaticMarkup(<MiddleCut text="npm exec typescript" />)).not.toContain('title=');
  });
});
