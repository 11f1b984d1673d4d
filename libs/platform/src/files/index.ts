export * from './url-signer';
export * from './filename';
export * from './media-type';
export * from './signed-url-query';
