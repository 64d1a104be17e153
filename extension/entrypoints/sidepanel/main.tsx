import { render } from 'preact';

render(<main>Paramétrage</main>, document.getElementById('app')!);
