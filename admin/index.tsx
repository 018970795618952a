/**
 * dist/admin.js: the admin console at /admin. Finds out how to sign in, signs in, checks the admin role
 * (GET /api/v1/admin/me), then shows the console. The backend serves it, so the API is on the same origin.
 */
import { createRoot } from 'react-dom/client';
import { ConsoleRoot } from './ConsoleRoot';

const container = document.getElementById('root');
if (container) createRoot(container).render(<ConsoleRoot base={window.location.origin} />);
