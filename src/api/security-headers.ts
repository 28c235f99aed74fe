/**
 * Security headers on every response (the API's, the dashboard's page and its assets, errors included), with hono's
 * secure-headers middleware: a Content-Security-Policy that lets the page load only its own files (no inline script or
 * style, no eval, no framing, no <base>, forms posting only here), no Referer sent anywhere, no MIME sniffing and no
 * framing for older browsers. HSTS is left to a TLS proxy in front: Tandem itself serves plain HTTP on loopback
 */
import { secureHeaders } from 'hono/secure-headers';

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  // the page's icon is `data:,` (an empty one, so the browser asks for no /favicon.ico)
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
};

export const securityHeaders = () => secureHeaders({
  contentSecurityPolicy: CONTENT_SECURITY_POLICY,
  referrerPolicy: 'no-referrer',
  xContentTypeOptions: 'nosniff',
  xFrameOptions: 'DENY',
  strictTransportSecurity: false,
});
