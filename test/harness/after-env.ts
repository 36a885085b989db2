import { closeTransport } from '../../nodes/shared/transport';

// Pooled keep-alive connections would keep a test worker alive after its last test.
afterAll(async () => await closeTransport());
